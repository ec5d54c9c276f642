// @zoom-registrations/client: what an app needs to take a Zoom registration worker's callbacks and call its API.
export {
  verifyCallback,
  CallbackVerificationError,
  type AppCallback,
  type Callback,
  type CallbackProblem,
  type CallbackType,
  type TestCallback,
  type VerifiedCallback,
} from './callbacks';
export {
  ApiError,
  RegistrationsApi,
  type CancellationAnswer,
  type CancellationRequest,
  type CancelledBy,
  type CancelledOutcome,
  type ListedRegistrant,
  type ListedState,
  type RegistrantRecord,
  type RegistrantView,
  type RegistrationsApiOptions,
  type PendingCancellation,
  type SettledCancellation,
  type ZoomEventRef,
} from './api';
