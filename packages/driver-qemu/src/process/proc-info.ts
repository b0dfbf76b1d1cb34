export { processStartTime, isProcessAlive } from '@tsvirt/util';
