// Strobe's public API. Every public name is listed here; internal modules are not part of the API.
export {
  StrobeError,
  ProtocolError,
  UnsafeIntegerError,
  ConnectionError,
  TimeoutError,
  ServerError,
  AuthenticationError,
  ConfigError,
  LocalBrokerError,
  AlreadyClosedError,
} from './errors.js';
export type { StrobeErrorOptions } from './errors.js';
