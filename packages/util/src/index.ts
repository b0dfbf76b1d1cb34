export { ErrorCode, ErrorDomain } from './errors/error-codes.js';
export { formatErrorMessage } from './errors/error-messages.js';
export { VirError, isVirError, ErrorLevel, noSupport, systemError, errnoText, checkFlags } from './errors/vir-error.js';
export { parseURI, defaultURI, uriParam, type VirURI } from './uri.js';
export { runCommand, type CommandResult, type RunOptions } from './command.js';
export { writeFileAtomic } from './atomic-file.js';
export { withFileLock, type LockOptions } from './file-lock.js';
export { logger, levelFromEnv, LogLevel, type Logger } from './logger.js';
export { sysfsRoot, sysfsPath } from './sysfs.js';
