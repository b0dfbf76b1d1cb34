import { defineConfig } from 'vitest/config';

// The system tests make namespaces, bridges and dnsmasq processes, and wait for bridge ports to forward.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } });
