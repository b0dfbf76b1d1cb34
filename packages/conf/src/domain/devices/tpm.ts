import { at, attr, child, model } from '../../model/binding.js';
import { oneOf, yesNo } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';

/** `<tpm>`: a TPM, passed through from the host or emulated by swtpm. */
export const TPM = model('tpm', () => ({
  model: attr('model', oneOf('tpm-tis', 'tpm-crb', 'tpm-spapr', 'spapr-tpm-proxy')),
  backend: child('backend', {
    type: attr('type', oneOf('passthrough', 'emulator', 'external')),
    version: attr('version', oneOf('1.2', '2.0')),
    persistentState: attr('persistent_state', yesNo),
    devicePath: at('device', attr('path')),
    encryptionSecret: at('encryption', attr('secret')),
    // An external emulator's socket.
    source: child('source', { type: attr('type'), mode: attr('mode'), path: attr('path') }),
  }),
  ...DEVICE_INFO,
}));
