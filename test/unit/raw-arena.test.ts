import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawArena, SLAB_BYTES, type SlabTenant } from '../../server/store/raw-arena.js';

const payload = (n: number, size = 1000) => Buffer.alloc(size, n % 251);

function putAll(arena: RawArena, count: number, size = 1000): SlabTenant[] {
  return Array.from({ length: count }, (_, n) => {
    const { slab, offset } = arena.put(payload(n, size));
    return { slab, offset, packedLength: size };
  });
}

const intact = (arena: RawArena, tenants: SlabTenant[], numbers: number[]) =>
  tenants.forEach((t, i) => assert.ok(arena.view(t.slab!, t.offset, t.packedLength).equals(payload(numbers[i]!)), `payload ${numbers[i]} intact`));

test('payloads share slabs; FIFO release empties slabs in order and they are reused, not reallocated', () => {
  const arena = new RawArena();
  const perSlab = Math.floor(SLAB_BYTES / 1000);
  const tenants = putAll(arena, perSlab * 3);
  assert.equal(arena.stats().slabs, 3);
  assert.equal(arena.stats().heldBytes, perSlab * 3 * 1000);
  intact(arena, tenants, tenants.map((_, i) => i));
  for (const t of tenants.slice(0, perSlab * 2)) arena.release(t.slab!, t.packedLength);
  assert.deepEqual([arena.stats().slabs, arena.stats().spare], [1, 2]);
  const first = tenants[0]!.slab!.buf;
  const more = putAll(arena, perSlab * 2);
  assert.equal(arena.stats().spare, 0, 'spare slabs taken before allocating');
  assert.ok(more.some((t) => t.slab!.buf === first), 'a released slab holds new payloads');
  intact(arena, tenants.slice(perSlab * 2), tenants.slice(perSlab * 2).map((_, i) => perSlab * 2 + i));
});

test('holes from out-of-order deletes are compacted once they outweigh the live bytes; payloads stay intact', () => {
  const arena = new RawArena();
  const tenants = putAll(arena, 40_000); // ~38 slabs
  const keep = tenants.filter((_, i) => i % 20 === 0);
  for (const [i, t] of tenants.entries()) if (i % 20 !== 0) arena.release(t.slab!, t.packedLength);
  assert.equal(arena.wasteful, true);
  const before = arena.stats().slabs;
  arena.compact(keep);
  assert.equal(arena.wasteful, false);
  assert.ok(arena.stats().slabs <= 3, `${before} slabs compacted to ${arena.stats().slabs}`);
  assert.equal(arena.stats().heldBytes, keep.length * 1000);
  intact(arena, keep, keep.map((_, i) => i * 20));
});
