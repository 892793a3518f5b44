/** How many threads valle's kernels use, and the pool they run on. */
package valle.kit.thread;
