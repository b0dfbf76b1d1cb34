import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineDriverSuite } from '@tsvirt/api/testing';
import { domainXML } from './helpers.js';

defineDriverSuite({
  name: 'test',
  uri: 'test:///default',
  describe,
  it,
  expect,
  beforeAll,
  afterAll,
  makeDomainXML: (name) => domainXML(name),
  namePrefix: 'suite',
});
