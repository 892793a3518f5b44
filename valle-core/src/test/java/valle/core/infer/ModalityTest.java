package valle.core.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import valle.core.model.ModelConfig;
import valle.core.speech.Modality;

class ModalityTest {

    private static ModelConfig config(String name, String capabilities) {
        return ModelConfig.parse("{\"name\": \"" + name + "\", \"capabilities\": " + capabilities + "}", "m.sft");
    }

    @Test
    void autoFollowsTheReferenceRule() {
        // a model named exactly ar+nar runs AR even if it could demask
        assertEquals(Modality.AR_NAR, CodeGenerator.resolve(Modality.AUTO, config("ar+nar", "[\"ar\",\"nar\",\"len\"]")));
        assertEquals(Modality.NAR_LEN, CodeGenerator.resolve(Modality.AUTO, config("ar+nar-len", "[\"ar\",\"nar\",\"len\"]")));
        assertEquals(Modality.AR_NAR, CodeGenerator.resolve(Modality.AUTO, config("ar+nar-tiny", "[\"ar\",\"nar\"]")));
        assertEquals(Modality.NAR_LEN, CodeGenerator.resolve(Modality.AUTO, config("nar-len", "[\"nar\",\"len\"]")));
    }

    @Test
    void aModalityTheModelCannotRunIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> CodeGenerator.resolve(Modality.NAR_LEN, config("ar+nar", "[\"ar\",\"nar\"]")));
        assertThrows(IllegalArgumentException.class,
                () -> CodeGenerator.resolve(Modality.AR_NAR, config("nar-len", "[\"nar\",\"len\"]")));
    }

    @Test
    void languagesMapToTheReferenceIds() {
        assertEquals(0, Languages.id("en"));
        assertEquals(5, Languages.id("KO"));
        assertEquals(0, Languages.id("auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Languages.id("xx"));
        assertEquals("unknown language 'xx': use one of en, ja, de, fr, zh, ko or auto", e.getMessage());
    }
}
