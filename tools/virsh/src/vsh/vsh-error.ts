/** A failure of virsh itself (parsing, options), printed as `error: MESSAGE`. */
export class VshError extends Error {
  override readonly name = 'VshError';
}
