import { ErrorDomain, runCommand, type CommandResult } from '@tsvirt/util';

/**
 * Runs one of the host tools a network needs (ip, nft, tc, dnsmasq) through util's runCommand,
 * its failures reported from the network domain: `Child process (CMD) unexpected exit status N:
 * STDERR` with the tool's whole message, as libvirt's virCommandRun reports it.
 */
export function runTool(file: string, args: readonly string[], opts: { input?: string; okExitCodes?: readonly number[] } = {}): Promise<CommandResult> {
  return runCommand(file, args, { ...opts, domain: ErrorDomain.NETWORK });
}
