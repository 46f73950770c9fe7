package io.stemedb.node.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the curl commands of README.md's marked example block, so that a test can run them. */
final class ReadmeExamples {

    private static final String MARKER = "<!-- readme-examples";
    private static final Pattern URL = Pattern.compile("(http://\\S+)");
    private static final Pattern BODY = Pattern.compile("-d '([^']*)'");
    /** The block's key line, {@code KEY="Authorization: Bearer $(cat …)"}, used as {@code -H "$KEY"}. */
    private static final String KEY_HEADER = "-H \"$KEY\"";

    /** @param sendsKey whether the command sends the block's {@code $KEY} header */
    record Curl(String url, String body, boolean sendsKey) {}

    private ReadmeExamples() {}

    static List<String> curlCommands(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme);
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(MARKER)) {
                start = i + 2; // skip the marker and the opening fence
                break;
            }
        }
        if (start < 0) {
            throw new IllegalStateException("README.md has no " + MARKER + " block");
        }
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = start; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("KEY=")) {
                continue;
            }
            boolean continues = line.endsWith("\\");
            current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continues) {
                commands.add(current.toString().strip());
                current.setLength(0);
            }
        }
        return commands;
    }

    static Curl parse(String command) {
        if (!command.startsWith("curl ")) {
            throw new IllegalArgumentException("not a curl command: " + command);
        }
        Matcher url = URL.matcher(command);
        if (!url.find()) {
            throw new IllegalArgumentException("no URL in: " + command);
        }
        Matcher body = BODY.matcher(command);
        return new Curl(url.group(1), body.find() ? body.group(1) : null, command.contains(KEY_HEADER));
    }
}
