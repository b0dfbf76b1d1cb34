/** libvirt's default daemon ports: tcp 16509, tls 16514. */
export const TCP_PORT = 16509;
export const TLS_PORT = 16514;
