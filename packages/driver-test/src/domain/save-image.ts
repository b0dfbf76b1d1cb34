import { openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { formatDomainXML } from '@tsvirt/conf';
import { DomainEventDetail, DomainRunningReason, DomainSaveRestoreFlags as S, DomainShutoffReason, DomainSaveImageXMLFlags } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags, errnoText } from '@tsvirt/util';
import { isActive, type DomainObject } from '../domain-object.js';
import { parseTestDomain } from '../test-domain-defaults.js';
import type { TestHost } from '../test-host.js';

const D = ErrorDomain.TEST;

/**
 * libvirt's test driver writes a save image as its magic string (with the NUL), the length of the
 * domain XML as a native 32-bit integer, then the XML.
 */
const MAGIC = Buffer.from('TestGuestMagic\0', 'latin1');
/** The test driver refuses metadata longer than this. */
const MAX_XML = 8192;

function systemError(text: string, e: unknown): VirError {
  return new VirError(ErrorCode.SYSTEM_ERROR, `${text}: ${errnoText(e as NodeJS.ErrnoException)}`, D, { cause: e });
}

/** The test driver reads with a leftover errno, so a short read reports "No such file or directory". */
function shortRead(text: string): VirError {
  return new VirError(ErrorCode.SYSTEM_ERROR, `${text}: No such file or directory`, D);
}

function noXMLChange(dxml: string | undefined): void {
  if (dxml !== undefined) throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, 'xml modification unsupported', D);
}

/** Reads the domain XML out of a save image, with the test driver's error for each way it can be wrong. */
function readSaveImage(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw systemError(`cannot read domain image '${path}'`, e);
  }
  try {
    const read = (n: number): Buffer => {
      const buf = Buffer.alloc(n);
      return buf.subarray(0, readSync(fd, buf, 0, n, null));
    };
    const magic = read(MAGIC.length);
    if (magic.length !== MAGIC.length) throw shortRead(`incomplete save header in '${path}'`);
    if (!magic.equals(MAGIC)) throw new VirError(ErrorCode.INTERNAL_ERROR, 'mismatched header magic', D);
    const lenBuf = read(4);
    if (lenBuf.length !== 4) throw shortRead(`failed to read metadata length in '${path}'`);
    const len = lenBuf.readInt32LE(0);
    if (len < 1 || len > MAX_XML) throw new VirError(ErrorCode.INTERNAL_ERROR, 'length of metadata out of range', D);
    const xml = read(len);
    if (xml.length !== len) throw shortRead(`incomplete metadata in '${path}'`);
    return xml.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function writeSaveImage(path: string, xmlText: string, name: string): void {
  const xml = Buffer.from(xmlText, 'utf8');
  const len = Buffer.alloc(4);
  len.writeInt32LE(xml.length, 0);
  try {
    writeFileSync(path, Buffer.concat([MAGIC, len, xml]), { mode: 0o600 });
  } catch (e) {
    throw systemError(`saving domain '${name}' to '${path}': open failed`, e);
  }
}

function checkRunning(obj: DomainObject): void {
  if (!isActive(obj)) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain is not running', ErrorDomain.DOMAIN);
}

/** testDomainSaveFlags: writes the image, then the domain stops as saved. */
export function saveDomain(host: TestHost, obj: DomainObject, path: string, dxml: string | undefined, flags: number): void {
  checkFlags(flags, 0, 'testDomainSaveFlags', D);
  noXMLChange(dxml);
  checkRunning(obj);
  writeSaveImage(path, formatDomainXML(obj.def, { id: obj.id }), obj.def.name);
  host.stop(obj, DomainShutoffReason.SAVED, DomainEventDetail.STOPPED.SAVED);
}

/** testDomainRestoreFlags: the image's domain starts running, restored; a persistent one stays persistent. */
export function restoreDomain(host: TestHost, path: string, dxml: string | undefined, flags: number): void {
  checkFlags(flags, 0, 'testDomainRestoreFlags', D);
  noXMLChange(dxml);
  const def = parseTestDomain(readSaveImage(path));
  const { obj } = host.add(def, false, true);
  host.start(obj, false, DomainRunningReason.RESTORED, DomainEventDetail.STARTED.RESTORED);
}

export function saveImageXML(path: string, flags: number): string {
  checkFlags(flags, DomainSaveImageXMLFlags.SECURE, 'testDomainSaveImageGetXMLDesc', D);
  return formatDomainXML(parseTestDomain(readSaveImage(path)), { inactive: true });
}

/** testDomainSaveImageDefineXML: the image must be readable; it then holds the new definition, whatever domain it names. */
export function saveImageDefine(path: string, dxml: string, flags: number): void {
  checkFlags(flags, S.RUNNING | S.PAUSED, 'testDomainSaveImageDefineXML', D);
  readSaveImage(path);
  const def = parseTestDomain(dxml);
  writeSaveImage(path, formatDomainXML(def, { inactive: true }), def.name);
}

/** testDomainManagedSave: only a running persistent domain, which stops as saved and starts from the image next time. */
export function managedSave(host: TestHost, obj: DomainObject, flags: number): void {
  checkFlags(flags, S.BYPASS_CACHE | S.RUNNING | S.PAUSED, 'testDomainManagedSave', D);
  checkRunning(obj);
  if (!obj.persistent) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot do managed save for transient domain', D);
  host.stop(obj, DomainShutoffReason.SAVED, DomainEventDetail.STOPPED.SAVED);
  obj.hasManagedSave = true;
}

export function managedSaveRemove(obj: DomainObject, flags: number): void {
  checkFlags(flags, 0, 'testDomainManagedSaveRemove', D);
  obj.hasManagedSave = false;
}
