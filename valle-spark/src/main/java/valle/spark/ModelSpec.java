package valle.spark;

import java.io.Serializable;

/**
 * The files and plugins of one loaded model: the key of the executor's {@link ExecutorModels}, so that every task
 * of a job (and of a later job with the same files) shares one instance per JVM.
 *
 * @param threads threads of the model's pools; 0 takes the executor's cores
 */
public record ModelSpec(String model, String codec, String vocoder, String arch, String attention, String backend,
                        String weights, int threads) implements Serializable {
}
