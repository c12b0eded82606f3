package io.vdsoagent.source;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The fixture host trees under {@code src/test/resources/hosts/<name>/}. */
final class Fixtures {
    private Fixtures() {
    }

    static SystemRoot host(String name) {
        return SystemRoot.at(hostPath(name));
    }

    static Path hostPath(String name) {
        URL url = Fixtures.class.getResource("/hosts/" + name + "/proc/self/maps");
        if (url == null) {
            throw new AssertionError("no fixture host " + name);
        }
        try {
            return Paths.get(url.toURI()).getParent().getParent().getParent();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
