import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineDriverSuite } from '@tsvirt/api/testing';
import { libvirtdMissing, startLibvirtd } from '../src/testing.js';
import { daemonSuite } from './helpers/daemon-suite.js';

const suite = daemonSuite('shared driver suite through libvirtd');
// the suite takes its URI when it is defined, so the daemon starts first
const daemon = libvirtdMissing() === null || process.env['CI'] === 'true' ? await startLibvirtd() : undefined;
afterAll(() => daemon?.stop());

// The shared suite every hypervisor driver passes: here the remote driver, against libvirt's own
// test driver in a private libvirtd.
suite('remote', () => {
  defineDriverSuite({
    name: 'remote', uri: daemon?.uri ?? 'test+unix:///default', describe, it, expect, beforeAll, afterAll,
    makeDomainXML: (name) => `<domain type='test'><name>${name}</name><memory>8192</memory><os><type>hvm</type></os></domain>`,
    timeoutMs: 30_000,
  });
});
