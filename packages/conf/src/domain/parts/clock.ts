import { attr, list, model } from '../../model/binding.js';
import { oneOf, supported, uint, yesNo } from '../../model/codec.js';

/** `<clock>`: the guest's clock offset and its timers. */
export const CLOCK = model('clock', () => ({
  offset: attr('offset', supported((s) => `unknown clock offset '${s}'`, 'utc', 'localtime', 'timezone', 'variable', 'absolute')),
  timezone: attr('timezone'),
  adjustment: attr('adjustment'),
  basis: attr('basis', oneOf('utc', 'localtime')),
  start: attr('start', uint),
  timers: list('timer', {
    name: attr('name', oneOf('platform', 'pit', 'rtc', 'hpet', 'tsc', 'kvmclock', 'hypervclock', 'armvtimer')),
    present: attr('present', yesNo),
    tickpolicy: attr('tickpolicy', oneOf('delay', 'catchup', 'merge', 'discard')),
    track: attr('track', oneOf('boot', 'guest', 'wall', 'realtime')),
    frequency: attr('frequency', uint),
    mode: attr('mode', oneOf('auto', 'native', 'emulate', 'paravirt', 'smpsafe')),
  }),
}));
