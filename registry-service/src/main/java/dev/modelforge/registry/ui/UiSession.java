package dev.modelforge.registry.ui;

import dev.modelforge.registry.auth.ApiKey;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/** A signed-in console session: the hash of the cookie's random id, the key it acts as, its CSRF token. */
@Entity
@Table(name = "ui_session")
public class UiSession extends PanacheEntityBase {
    @Id
    @Column(name = "id_hash", length = 64)
    public String idHash;

    @ManyToOne(optional = false)
    @JoinColumn(name = "api_key_id")
    public ApiKey apiKey;

    @Column(name = "csrf_token", nullable = false, length = 64)
    public String csrfToken;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;
}
