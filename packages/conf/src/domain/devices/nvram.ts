import { model } from '../../model/binding.js';
import { DEVICE_INFO } from './device-info.js';

/** `<nvram>` in `<devices>`: the pSeries NVRAM device, known by its spapr-vio address. */
export const NVRAM_DEVICE = model('nvram', () => ({ ...DEVICE_INFO }));
