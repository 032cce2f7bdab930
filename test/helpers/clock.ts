/**
 * A clock that stands still. Merging equivalent answers runs on a wall-clock budget (250 ms by default) so
 * that a request never waits on it; a test of which answers merge must not depend on how loaded the machine
 * is, so it reads this clock and the budget never runs out. The tests of the budget itself step their own.
 */
export const stoppedClock = (): number => 0;
