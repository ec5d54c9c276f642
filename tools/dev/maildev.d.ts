// maildev ships no types: what the dev world's SMTP catcher uses of it (node_modules/maildev/index.js, lib/).
declare module 'maildev' {
  import type { SMTPServer } from 'smtp-server';

  namespace MailDev {
    interface Options {
      smtp: number;
      web: number;
      /** Both servers' address (the web page's too, unless webIp says otherwise). */
      ip: string;
      mailDirectory?: string;
      silent?: boolean;
      disableWeb?: boolean;
    }

    /** The SMTP side; the constructor has started the web page already. */
    interface Server {
      smtp: SMTPServer;
      // A plain function on a module object: removed by reference, it uses no `this`.
      onSmtpError: (err: Error) => void;
      listen(): Promise<void>;
      close(callback: () => void): void;
      /** With each email caught, as `GET /email` answers it (tools/dev/caught-emails.ts reads it). */
      on(event: 'new', listener: (email: unknown) => void): void;
    }
  }

  const MailDev: new (options: MailDev.Options) => MailDev.Server;
  export = MailDev;
}

declare module 'maildev/lib/web' {
  import type { Server } from 'node:http';

  const web: { server: Server | null; close(callback?: () => void): void };
  export = web;
}
