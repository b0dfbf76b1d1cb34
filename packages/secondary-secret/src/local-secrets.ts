import {
  SECRET_GET_VALUE_INTERNAL_CALL, SecretDefineFlags, SecretEventLifecycleType, type SecretDriver, type SecretDriverEvent, type SecretRef,
} from '@tsvirt/api';
import { SECRET_USAGE_TYPES, formatSecretXML, parseSecretXML, validateXML, type SecretDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { ephemeralSecrets } from './ephemeral-secrets.js';
import { LIST_FLAGS, matchesListFlags } from './secret-list-filter.js';
import type { SecretObject } from './secret-object.js';
import { SecretEvents } from './secret-events.js';
import type { SecretPaths } from './secret-paths.js';
import { loadPersistent, removeFiles, saveDefinition, saveValue, withSecretsLock } from './secret-store.js';

const D = ErrorDomain.SECRET;

const refOf = (def: SecretDef): SecretRef => ({ uuid: def.uuid, usageType: SECRET_USAGE_TYPES.indexOf(def.usageType), usageID: def.usageID });
const internalError = (message: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, message, D);
/** libvirt prints a usage id it does not have (a `none` secret's) as C's "(null)". */
const usageText = (def: SecretDef): string => def.usageID || '(null)';

/**
 * libvirt's secret driver over one root's files: persistent secrets as `<uuid>.xml` and
 * `<uuid>.base64` (0600, written atomically), ephemeral ones in this process's memory only.
 * There is no daemon: every call reads the files, every change holds the root's lock.
 */
export class LocalSecrets implements SecretDriver {
  readonly #events: SecretEvents;
  readonly #ephemeral: Map<string, SecretObject>;

  constructor(private readonly paths: SecretPaths) {
    this.#events = new SecretEvents(paths.configDir);
    this.#ephemeral = ephemeralSecrets(paths.configDir);
  }

  /** Every secret of the root: the persistent ones, then this process's ephemeral ones, by UUID. */
  async #all(): Promise<SecretObject[]> {
    const persistent = (await loadPersistent(this.paths)).filter((s) => !this.#ephemeral.has(s.def.uuid));
    return [...persistent, ...this.#ephemeral.values()].sort((a, b) => (a.def.uuid < b.def.uuid ? -1 : 1));
  }

  async #find(uuid: string): Promise<SecretObject> {
    const found = (await this.#all()).find((s) => s.def.uuid === uuid);
    if (!found) throw new VirError(ErrorCode.NO_SECRET, `no secret with matching uuid '${uuid}'`, D);
    return found;
  }

  async connectListAllSecrets(flags: number): Promise<SecretRef[]> {
    checkFlags(flags, LIST_FLAGS, 'secretConnectListAllSecrets', D);
    return (await this.#all()).filter((s) => matchesListFlags(s.def, flags)).map((s) => refOf(s.def));
  }

  async connectNumOfSecrets(): Promise<number> {
    return (await this.#all()).length;
  }

  async connectListSecrets(maxuuids: number): Promise<string[]> {
    return (await this.#all()).slice(0, maxuuids).map((s) => s.def.uuid);
  }

  async secretLookupByUUID(uuid: string): Promise<SecretRef> {
    return refOf((await this.#find(uuid)).def);
  }

  async secretLookupByUsage(usageType: number, usageID: string): Promise<SecretRef> {
    const found = (await this.#all()).find((s) => s.def.usageType !== 'none' &&
      SECRET_USAGE_TYPES.indexOf(s.def.usageType) === usageType && s.def.usageID === usageID);
    if (!found) throw new VirError(ErrorCode.NO_SECRET, `no secret with matching usage '${usageID}'`, D);
    return refOf(found.def);
  }

  async secretDefineXML(xml: string, flags: number): Promise<SecretRef> {
    checkFlags(flags, SecretDefineFlags.VALIDATE, 'secretDefineXML', D);
    if (flags & SecretDefineFlags.VALIDATE) await validateXML(xml, 'secret.rng');
    const def = parseSecretXML(xml);
    await withSecretsLock(this.paths, async () => {
      const all = await this.#all();
      const old = all.find((s) => s.def.uuid === def.uuid);
      if (old) {
        if (old.def.usageID !== def.usageID) {
          throw internalError(`a secret with UUID ${def.uuid} is already defined for use with ${usageText(old.def)}`);
        }
        if (old.def.isPrivate && !def.isPrivate) throw internalError('cannot change private flag on existing secret');
      } else {
        const clash = def.usageType !== 'none' && all.find((s) => s.def.usageType === def.usageType && s.def.usageID === def.usageID);
        if (clash) throw internalError(`a secret with UUID ${clash.def.uuid} already defined for use with ${def.usageID}`);
      }
      await this.#store({ def, ...(old?.value ? { value: old.value } : {}) }, old);
    });
    const ref = refOf(def);
    this.#events.lifecycle(ref, SecretEventLifecycleType.DEFINED);
    return ref;
  }

  /**
   * Keeps a secret where its ephemeral flag says: in memory, or in its files (a secret that
   * turns persistent gets its value saved first; one that turns ephemeral loses its files). A
   * failure half-way leaves the secret as it was.
   */
  async #store(secret: SecretObject, old: SecretObject | undefined): Promise<void> {
    const { uuid } = secret.def;
    if (secret.def.ephemeral) {
      if (old && !old.def.ephemeral) await removeFiles(this.paths, uuid);
      this.#ephemeral.set(uuid, secret);
      return;
    }
    const fromMemory = old?.def.ephemeral === true;
    try {
      if (fromMemory && secret.value) await saveValue(this.paths, uuid, secret.value);
      await saveDefinition(this.paths, secret.def);
    } catch (e) {
      if (fromMemory) await removeFiles(this.paths, uuid);
      throw e;
    }
    this.#ephemeral.delete(uuid);
  }

  async secretGetXMLDesc(secret: SecretRef, flags: number): Promise<string> {
    checkFlags(flags, 0, 'secretGetXMLDesc', D);
    return formatSecretXML((await this.#find(secret.uuid)).def);
  }

  async secretSetValue(secret: SecretRef, value: Uint8Array, flags: number): Promise<void> {
    checkFlags(flags, 0, 'secretSetValue', D);
    const copy = Uint8Array.from(value);
    await withSecretsLock(this.paths, async () => {
      const found = await this.#find(secret.uuid);
      if (found.def.ephemeral) this.#ephemeral.set(found.def.uuid, { def: found.def, value: copy });
      else await saveValue(this.paths, found.def.uuid, copy);
    });
    this.#events.valueChanged(secret);
  }

  /** The value; a private secret's only to a driver's own connection (the API sets the internal flag). */
  async secretGetValue(secret: SecretRef, flags: number): Promise<Uint8Array> {
    checkFlags(flags, SECRET_GET_VALUE_INTERNAL_CALL, 'secretGetValue', D);
    const found = await this.#find(secret.uuid);
    if (found.def.isPrivate && !(flags & SECRET_GET_VALUE_INTERNAL_CALL)) {
      throw new VirError(ErrorCode.INVALID_SECRET, 'secret is private', D);
    }
    if (!found.value) throw new VirError(ErrorCode.NO_SECRET, `secret '${found.def.uuid}' does not have a value`, D);
    return Uint8Array.from(found.value);
  }

  async secretUndefine(secret: SecretRef): Promise<void> {
    const ref = await withSecretsLock(this.paths, async () => {
      const found = await this.#find(secret.uuid);
      if (found.def.ephemeral) this.#ephemeral.delete(found.def.uuid);
      else await removeFiles(this.paths, found.def.uuid);
      return refOf(found.def);
    });
    this.#events.lifecycle(ref, SecretEventLifecycleType.UNDEFINED);
  }

  async connectSecretEventRegisterAny(secret: SecretRef | undefined, eventID: number,
    listener: (e: SecretDriverEvent) => void): Promise<() => void> {
    return this.#events.register(secret, eventID, listener);
  }
}
