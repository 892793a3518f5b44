/**
 * Continuous batching: a {@link valle.core.batch.Scheduler} with a fixed number of slots, whose requests run their
 * ordinary inference loops on their own threads against a batching view of the backbone; one batcher thread
 * gathers the passes the slots submit and runs them, each tick, as one batched pass per backbone and kind, so
 * concurrent requests share each read of the weights. A request's results do not depend on who shared its batch.
 */
package valle.core.batch;
