import type { XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { deviceArg } from './device-args.js';
import { aliasOf } from '../devices/device-aliases.js';
import { hasPcieRoot, pciAddressOf, pciProps } from './pci-address.js';
import { usbPlacement } from './usb-address.js';

/** QEMU's device for each sound card model that is one PCI device playing through an audio backend. */
const CARDS: Record<string, string> = { ac97: 'AC97', es1370: 'ES1370' };

/** The HD Audio controllers; their codecs are devices of their own on the controller's bus. */
const HDA: Record<string, string> = { ich6: 'intel-hda', ich7: 'intel-hda', ich9: 'ich9-intel-hda' };

/** `-device` of each sound card, and of each codec of an HD Audio controller, tied to its audio backend. */
export function soundArgs(devices: readonly XmlElement[]): string[] {
  const pcieRoot = hasPcieRoot(devices);
  const firstAudio = devicesOf(devices, 'audio')[0]?.id ?? 1;
  return devicesOf(devices, 'sound').flatMap((s) => {
    const id = aliasOf(s);
    const audiodev = `audio${s.audioId ?? firstAudio}`;
    const model = s.model ?? 'ich6';
    const at = pciProps(pciAddressOf(s), pcieRoot);
    if (CARDS[model]) return deviceArg({ driver: CARDS[model], id, audiodev, ...at });
    if (model === 'usb') return deviceArg({ driver: 'usb-audio', id, audiodev, ...usbPlacement(devices, s) });
    const hda = HDA[model];
    if (!hda) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `sound card model '${model}' is not supported by this driver yet`, ErrorDomain.QEMU);
    // A controller without codecs gets one duplex codec.
    const codecs = s.codecs?.length ? s.codecs : [{ type: 'duplex' as const }];
    return [
      ...deviceArg({ driver: hda, id, ...at }),
      ...codecs.flatMap((c, cad) => deviceArg({ driver: `hda-${c.type ?? 'duplex'}`, id: `${id}-codec${cad}`, bus: `${id}.0`, cad, audiodev })),
    ];
  });
}
