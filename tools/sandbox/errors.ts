/** Something a person or the control API asked for that Zoom would refuse, with the HTTP answer to give. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
