/**
 * `bestofn/worker`: the Cloudflare Workers handler (`export default`), configured from the Worker's vars and
 * secrets. Re-export it from your own Worker entry, or point wrangler's `main` at this file.
 */
export { default, type WorkerEnv } from '../worker';
