import { attr, list, model } from '../../model/binding.js';
import { uintWorded } from '../../model/codec.js';
import { ErrorCode } from '@tsvirt/util';

const ID = uintWorded(ErrorCode.XML_ERROR, () => 'invalid idmap start/target/count settings');
const RANGE = { start: attr('start', ID), target: attr('target', ID), count: attr('count', ID) };

/** `<idmap>`: how user and group ids inside a container map to the host's (LXC). */
export const IDMAP = model('idmap', () => ({ uids: list('uid', RANGE), gids: list('gid', RANGE) }));
