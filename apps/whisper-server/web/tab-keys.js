// Which tab a key moves to in a row of tabs (WAI-ARIA tabs pattern): the arrows step
// and wrap around, Home and End jump to the ends.

/** The index `key` moves to from `current` among `count` tabs, or null for other keys. */
export function tabKeyTarget(key, current, count) {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowRight':
      return (current + 1) % count;
    case 'ArrowLeft':
      return (current - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
