package dev.modelforge.registry.ownership;

import dev.modelforge.registry.model.Model;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** One owning team of a model. */
@Entity
@Table(name = "model_owner")
public class ModelOwner extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    @JoinColumn(name = "model_id")
    public Model model;

    @Column(nullable = false)
    public String team;

    @Column(name = "added_by", nullable = false)
    public String addedBy;

    @Column(name = "added_at", nullable = false)
    public Instant addedAt;

    static List<String> teams(Model model) {
        return ModelOwner.<ModelOwner>list("model = ?1 order by team", model).stream().map(o -> o.team).toList();
    }

    static boolean owns(Model model, String team) {
        return count("model = ?1 and team = ?2", model, team) > 0;
    }
}
