package io.stemedb.node.cluster;

import java.nio.file.Files;
import java.nio.file.Path;

/** The stemedb jar this JVM runs from, to start more nodes from the same build. */
public final class RunningJar {

    private RunningJar() {}

    public static Path path() {
        // With "java -jar stemedb.jar" the class path is exactly the jar (a nested-jar code source
        // location would point inside it).
        String classPath = System.getProperty("java.class.path", "");
        Path jar = Path.of(classPath);
        if (!classPath.endsWith(".jar") || !Files.isRegularFile(jar)) {
            throw new IllegalStateException("run this command from the stemedb jar (bin/stemedb); class path is " + classPath);
        }
        return jar.toAbsolutePath();
    }
}
