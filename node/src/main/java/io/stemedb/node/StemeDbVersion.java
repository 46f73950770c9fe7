package io.stemedb.node;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest ("development" when run from classes). */
public final class StemeDbVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = StemeDbVersion.class.getPackage().getImplementationVersion();
        return new String[] {"stemedb " + (version == null ? "development" : version)};
    }
}
