package io.stemedb.api.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The union of several Prometheus text pages (format 0.0.4) as one valid page: each metric family
 * once, with its {@code # HELP} and {@code # TYPE} from the first page that has it and the series
 * of every page, a series (name and labels) that two pages both have kept from the first. That is
 * what several registries of one node need: the format requires all lines of a family to be one
 * group, and the services of an embedded node share one JVM, so their JVM meters are the same
 * series. A family that a later page declares with another type is left out of that page (it would
 * make the whole page unreadable) and counted in {@link #conflicts()}.
 */
public final class PrometheusTextMerge {

    private final Map<String, Family> families = new LinkedHashMap<>();
    private int conflicts;

    /** Adds one page; the first added wins wherever two pages disagree. */
    public PrometheusTextMerge add(String page) {
        Map<String, Family> incoming = parse(page);
        for (Family family : incoming.values()) {
            Family known = families.get(family.name);
            if (known == null) {
                families.put(family.name, family);
            } else if (known.type != null && family.type != null && !known.type.equals(family.type)) {
                conflicts++;
            } else {
                family.series.forEach(known.series::putIfAbsent);
            }
        }
        return this;
    }

    /** Families left out of a page because an earlier page gave them another type. */
    public int conflicts() {
        return conflicts;
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        for (Family family : families.values()) {
            family.headers.forEach(header -> out.append(header).append('\n'));
            family.series.values().forEach(line -> out.append(line).append('\n'));
        }
        return out.toString();
    }

    private static Map<String, Family> parse(String page) {
        Map<String, Family> parsed = new LinkedHashMap<>();
        Family current = null;
        for (String line : page.split("\n")) {
            if (line.isBlank() || line.equals("# EOF")) {
                continue;
            }
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] words = line.split(" ", 4);
                if (words.length < 3) {
                    continue;
                }
                String name = words[2];
                if (current == null || !current.name.equals(name)) {
                    current = parsed.computeIfAbsent(name, Family::new);
                }
                current.headers.add(line);
                if (words[1].equals("TYPE") && words.length == 4) {
                    current.type = words[3].trim();
                }
            } else if (line.startsWith("#")) {
                continue; // other comments carry nothing a scraper reads
            } else {
                if (current == null) {
                    current = parsed.computeIfAbsent(seriesName(line), Family::new);
                }
                current.series.putIfAbsent(seriesKey(line), line);
            }
        }
        return parsed;
    }

    /** Name and labels: everything before the value. Label values may hold spaces, never after the last brace. */
    private static String seriesKey(String line) {
        int brace = line.lastIndexOf('}');
        if (brace >= 0) {
            return line.substring(0, brace + 1);
        }
        int space = line.indexOf(' ');
        return space < 0 ? line : line.substring(0, space);
    }

    private static String seriesName(String line) {
        String key = seriesKey(line);
        int brace = key.indexOf('{');
        return brace < 0 ? key : key.substring(0, brace);
    }

    private static final class Family {
        final String name;
        final List<String> headers = new ArrayList<>();
        final Map<String, String> series = new LinkedHashMap<>();
        String type;

        Family(String name) {
            this.name = name;
        }
    }
}
