/** How libvirt words an agent error class when the agent gives no description. */
const CLASS_WORDS: Readonly<Record<string, string>> = {
  BufferOverrun: 'Buffer overrun',
  CommandDisabled: 'The command has been disabled for this instance',
  CommandNotFound: 'The command has not been found',
  FdNotFound: 'File descriptor not found',
  InvalidParameter: 'Invalid parameter',
  InvalidParameterType: 'Invalid parameter type',
  InvalidParameterValue: 'Invalid parameter value',
  OpenFileFailed: 'Cannot open file',
  QgaCommandFailed: 'Guest agent command failed',
  QMPBadInputObjectMember: 'Bad QMP input object member',
  QMPExtraInputObjectMember: 'Unexpected extra object member',
  UndefinedError: 'An undefined error has occurred',
  Unsupported: 'this feature or command is not currently supported',
};

/** The detail libvirt reports for an agent error: its description, else its class in words. */
export function agentErrorDetail(error: { readonly class?: string; readonly desc?: string }): string {
  if (error.desc !== undefined) return error.desc;
  if (error.class === undefined) return 'unknown QEMU command error';
  return CLASS_WORDS[error.class] ?? error.class;
}

/** Whether an agent error says the command is missing or disabled (callers that fall back on it ask). */
export function isCommandMissing(error: { readonly class?: string } | undefined): boolean {
  return error?.class === 'CommandNotFound' || error?.class === 'CommandDisabled';
}
