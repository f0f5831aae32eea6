/** What services need of time: the engine clock's `now` (moved by /api/clock in demo and test mode). */
export type Now = () => Date;

export const systemNow: Now = () => new Date();
