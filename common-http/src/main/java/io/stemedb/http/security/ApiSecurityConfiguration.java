package io.stemedb.http.security;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * API-key security for an HTTP service (api-service, gateway-service import it): bearer keys from
 * {@link SecurityProperties}, the {@link AccessRules} table, JSON 401/403 answers. Stateless: no
 * sessions, no cookies, so no CSRF surface.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableConfigurationProperties(SecurityProperties.class)
public class ApiSecurityConfiguration {

    @Bean
    KeyRing keyRing(SecurityProperties properties, @Value("${spring.application.name}") String service, MeterRegistry registry) {
        return new KeyRing(properties, service, registry);
    }

    @Bean
    AccessRules accessRules(SecurityProperties properties) {
        return new AccessRules(properties.metricsPublic());
    }

    /**
     * Also the node's {@code RequestRejectedHandler} (the one bean of that type, which Spring
     * Security's filter chain proxy picks up): firewall refusals answer as JSON problems.
     */
    @Bean
    SecurityProblems securityProblems(@Value("${spring.application.name}") String service, MeterRegistry registry,
            AccessRules rules) {
        return new SecurityProblems(service, registry, rules);
    }

    /**
     * No Spring Security observations: they wrap each of the chain's filters in an observation of
     * its own, about a third of the gateway's CPU per proxied write (docs/benchmarks.md), and
     * what they would tell is already counted: refusals in {@code stemedb_security_refusals_total},
     * request latency in {@code http_server_requests_seconds}.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Spring Security's strict firewall with its character rules for headers and parameter names
     * decided by {@link FirewallCharacters} (the same rules, without a regular expression per header).
     */
    @Bean
    org.springframework.security.web.firewall.HttpFirewall httpFirewall() {
        org.springframework.security.web.firewall.StrictHttpFirewall firewall =
                new org.springframework.security.web.firewall.StrictHttpFirewall();
        firewall.setAllowedHeaderNames(FirewallCharacters::isAssignedAndNotControl);
        firewall.setAllowedHeaderValues(FirewallCharacters::isHeaderValue);
        firewall.setAllowedParameterNames(FirewallCharacters::isAssignedAndNotControl);
        return firewall;
    }

    @Bean
    SecurityFilterChain apiKeySecurity(HttpSecurity http, KeyRing keys, AccessRules rules, SecurityProblems problems)
            throws Exception {
        return http
                .csrf(csrf -> csrf.disable())
                // Stateless, so none of the session machinery (its two filters ran on every
                // request) and no request wrapper for the servlet security methods, which nothing
                // here calls (the principal is read from the security context).
                .sessionManagement(sessions -> sessions.disable())
                .securityContext(context -> context.securityContextRepository(
                        new org.springframework.security.web.context.RequestAttributeSecurityContextRepository()))
                .servletApi(servletApi -> servletApi.disable())
                .requestCache(cache -> cache.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .addFilterBefore(new BearerKeyFilter(keys, problems), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(rules::apply)
                .build();
    }
}
