package valle.kit.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThreadCountTest {
    @AfterEach
    void clear() {
        System.clearProperty(ThreadCount.PROPERTY);
    }

    @Test
    void thePropertySetsTheCount() {
        System.setProperty(ThreadCount.PROPERTY, " 3 ");
        assertEquals(3, ThreadCount.configured());
    }

    @Test
    void aBoundCountWinsOverTheProperty() throws Exception {
        System.setProperty(ThreadCount.PROPERTY, "3");
        assertEquals(5, ThreadCount.where(5).call(ThreadCount::configured));
        assertEquals(3, ThreadCount.configured());
    }

    @Test
    void aBadValueIsAnErrorNamingTheSetting() {
        System.setProperty(ThreadCount.PROPERTY, "many");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ThreadCount::configured);
        assertTrue(e.getMessage().contains("valle.threads") && e.getMessage().contains("'many'"), e.getMessage());
        System.setProperty(ThreadCount.PROPERTY, "0");
        assertThrows(IllegalArgumentException.class, ThreadCount::configured);
        assertThrows(IllegalArgumentException.class, () -> ThreadCount.where(0));
    }

    @Test
    void withoutSettingsTheProcessorsCount() {
        if (System.getenv(ThreadCount.ENVIRONMENT) == null) {
            assertEquals(Runtime.getRuntime().availableProcessors(), ThreadCount.configured());
        }
    }
}
