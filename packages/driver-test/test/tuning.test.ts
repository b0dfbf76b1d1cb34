import { describe, expect, it } from 'vitest';
import {
  connect, DomainModificationImpact as Impact, DomainStatsTypes, ErrorCode, TypedParameterType, typedParamFromString, typedString,
  typedUInt, validateTypedParams,
} from '@tsvirt/api';
import { TESTNODE_XML, defaultConn, virErrorOf } from './helpers.js';

describe('typed parameters', () => {
  it('parse from text as libvirt does, negative unsigned numbers wrapping', () => {
    expect(typedParamFromString('weight', TypedParameterType.UINT, ' 7')).toEqual(typedUInt('weight', 7));
    expect(typedParamFromString('weight', TypedParameterType.UINT, '-1')).toEqual(typedUInt('weight', 4294967295));
    expect(() => typedParamFromString('weight', TypedParameterType.UINT, '0x10')).toThrow("Invalid value for field 'weight': expected unsigned int");
  });
  it('are validated in name order: unknown, repeated and mistyped fields', () => {
    const spec = { weight: TypedParameterType.UINT };
    expect(() => validateTypedParams([typedUInt('weight', 1), typedUInt('weight', 2)], spec)).toThrow("parameter 'weight' occurs multiple times");
    expect(() => validateTypedParams([typedString('weight', 'x')], spec)).toThrow("invalid type 'string' for parameter 'weight', expected 'uint'");
    expect(() => validateTypedParams([typedUInt('zz', 1), typedUInt('aa', 1)], spec)).toThrow("parameter 'aa' not supported");
  });
});

describe('tuning and statistics of the mock', () => {
  it('reports fixed CPU statistics for two CPUs of a running domain', async () => {
    const dom = await (await defaultConn()).lookupByName('test');
    const per = await dom.getCPUStats(1, 2);
    expect(per.cpus).toBe(2);
    expect(per.stats[0]!.map((p) => [p.field, p.value])).toEqual([['cpu_time', 24386308518n], ['vcpu_time', 23151740628n]]);
    expect(per.stats[1]).toEqual([]);
    expect((await dom.getCPUStats(-1, 1)).stats[0]!.map((p) => p.field)).toEqual(['cpu_time', 'user_time', 'system_time']);
    expect((await virErrorOf(dom.getCPUStats(2, 1))).message).toBe('invalid argument: start_cpu 2 larger than maximum of 1');
  });

  it('keeps IOThreads in the definition and its own list for the statistics', async () => {
    const conn = await connect(`test://${TESTNODE_XML}`);
    const fc4 = await conn.lookupByName('fc4');
    await fc4.addIOThread(6);
    await fc4.delIOThread(2);
    expect((await fc4.ioThreadInfo()).map((t) => t.iothreadId)).toEqual([4, 6]);
    await fc4.pinIOThread(4, [false, true]);
    expect(await fc4.getXMLDesc()).toContain("<iothreadpin iothread='4' cpuset='1'/>");
    await fc4.setIOThreadParams(6, [typedUInt('poll_grow', 10)]);
    const [record] = await conn.domainListGetStats([fc4], DomainStatsTypes.IOTHREAD);
    expect(record!.params.map((p) => `${p.field}=${p.value}`)).toContain('iothread.6.poll-grow=10');
    const err = await virErrorOf(fc4.addIOThread(4, Impact.LIVE));
    expect([err.code, err.message]).toEqual([ErrorCode.INVALID_ARG, "invalid argument: an IOThread is already using iothread_id '4'"]);
  });

  it('stores blkio, memory and NUMA tuning in the chosen definition', async () => {
    const conn = await connect(`test://${TESTNODE_XML}`);
    const fv0 = await conn.lookupByName('fv0');
    await fv0.setBlkioParameters([typedUInt('weight', 500), typedString('device_weight', '/dev/hda,1000')], Impact.CONFIG);
    expect((await fv0.blkioParameters(Impact.CONFIG)).slice(0, 2).map((p) => p.value)).toEqual([500, '/dev/hda,1000']);
    expect((await fv0.blkioParameters(Impact.LIVE))[0]!.value).toBe(800);
    const bad = await virErrorOf(fv0.setNumaParameters([typedString('numa_nodeset', 'x')]));
    expect(bad.message).toBe("invalid argument: Failed to parse bitmap 'x'");
  });
});
