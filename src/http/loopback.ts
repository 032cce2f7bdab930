/**
 * Who can reach an address: the gateway serves without keys only where nobody but this machine can.
 * Pure, so config judges a literal HOST at start-up and the Node entry the address it actually bound.
 */

/** An IP literal (v4, or v6 without brackets or zone), told apart from a host name without I/O. */
export function isIP(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || (host.includes(':') && /^[0-9a-f:.]+$/i.test(host));
}

/** 127.0.0.0/8, ::1, and IPv4-mapped loopback: the addresses only this machine can reach. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.replace(/^::ffff:/i, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v4)) return v4.split('.')[0] === '127';
  return /^(0{0,4}:){2,7}0{0,3}1$/.test(address) || address === '::1';
}
