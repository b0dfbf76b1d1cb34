import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { devicesOf, parseDomainXML } from '@tsvirt/conf';
import type { DomainScreenshot } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import type { QmpClient } from '../qmp/qmp-client.js';

const D = ErrorDomain.QEMU;

/** QEMU 7.2 writes PNG, so libvirt 9.0 asks for it and says so. */
const MIME_TYPE = 'image/png';

/**
 * Where screen `screen` is: libvirt counts the heads of the domain's video cards in order; screen 0
 * is QEMU's default console, any other one names its card (`videoN`) and head.
 */
function screenOf(status: ActiveStatus, screen: number): { device?: string; head?: number } {
  const videos = devicesOf(parseDomainXML(status.xml, { arch: GUEST_ARCH }), 'video');
  if (videos.length === 0) throw new VirError(ErrorCode.OPERATION_INVALID, 'no screens to take screenshot from', D);
  if (screen === 0) return {};
  let left = screen;
  for (const [i, v] of videos.entries()) {
    const heads = v.model?.heads ?? 1;
    if (left < heads) return { device: `video${i}`, head: left };
    left -= heads;
  }
  throw new VirError(ErrorCode.OPERATION_INVALID, 'no such screen ID', D);
}

/**
 * What the display shows, as libvirt's QEMU driver takes it: QMP `screendump` (PNG) into a
 * private file in the run directory, opened for the stream and removed at once, so nothing is
 * left behind whatever the reader does.
 */
export async function takeScreenshot(mon: QmpClient, status: ActiveStatus, screen: number): Promise<DomainScreenshot> {
  const where = screenOf(status, screen);
  const file = join(status.runDir, `screendump.${randomBytes(6).toString('hex')}`);
  const handle = await open(file, 'wx', 0o600);
  try {
    await mon.execute('screendump', { filename: file, format: 'png', ...where });
    const reader = await open(file, 'r');
    return { mimeType: MIME_TYPE, stream: reader.createReadStream() };
  } finally {
    await handle.close();
    await rm(file, { force: true });
  }
}
