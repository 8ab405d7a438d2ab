// cluster-key-slot ships no types: the one function Ruta uses (the hash slot of a key, as ioredis computes it).
declare module 'cluster-key-slot' {
  /** The Redis Cluster hash slot (0–16383) of a key, honouring a `{hash tag}` in it. */
  export default function calculateSlot(key: string | Buffer): number;
}
