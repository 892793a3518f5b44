/**
 * The contracts a plugin's tests extend: {@link valle.tck.contract.BackboneContract} states what every
 * {@link valle.api.arch.Backbone} must do, whoever wrote it; {@link valle.tck.contract.Closeness} is the one way
 * tests compare computed arrays. A plugin adds this module as a test dependency and extends the contract.
 */
module valle.tck.contract {
    requires transitive valle.api;
    requires transitive org.junit.jupiter.api;

    exports valle.tck.contract;
}
