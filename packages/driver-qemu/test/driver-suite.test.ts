import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineDriverSuite } from '@tsvirt/api/testing';
import { domainXml, TestRoot } from './helpers.js';

const root = new TestRoot();
afterAll(() => root.cleanup());

// The shared suite every hypervisor driver passes, on an embed root of its own with real QEMU (TCG).
defineDriverSuite({
  name: 'qemu', uri: root.uri, describe, it, expect, beforeAll, afterAll,
  makeDomainXML: (name) => domainXml(name), timeoutMs: 60_000,
});
