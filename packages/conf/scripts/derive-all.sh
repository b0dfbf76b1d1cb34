#!/bin/sh
# Regenerates the order tables from libvirt's expected outputs (../shared/libvirt-tests).
set -e
cd "$(dirname "$0")/.."
T=../../../shared/libvirt-tests
G=src/schema/generated
TABLE=domainOrder node scripts/derive-order.mjs $T domain/out domain-generic/out domain-generic/in@same domain-status domain-lxc/in domain-lxc/out > $G/domain-order.ts
TABLE=networkOrder node scripts/derive-order.mjs $T network/out > $G/network-order.ts
TABLE=poolOrder node scripts/derive-order.mjs $T storage-pool/out > $G/pool-order.ts
TABLE=volumeOrder node scripts/derive-order.mjs $T storage-vol/out > $G/volume-order.ts
TABLE=capsOrder node scripts/derive-order.mjs $T capabilities > $G/caps-order.ts
