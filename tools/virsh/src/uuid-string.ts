/** virsh tries a name as a UUID only when it is exactly as long as one (strlen 36 bytes), whatever it holds. */
export const uuidShaped = (text: string): boolean => Buffer.byteLength(text) === 36;
