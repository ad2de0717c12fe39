package dev.backplane.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * An orders service on the Backplane starter. Configure it with the seeds' variables
 * ({@code DB_HOST}, {@code DB_NAME}, {@code DB_USER}, {@code DB_PASSWORD}, {@code REDIS_SENTINELS},
 * {@code REDIS_MASTER_NAME}, {@code MINIO_*}, ...) or {@code backplane.*} properties; the schema is
 * {@code schema.sql} beside this class's resources.
 */
@SpringBootApplication
@EnableScheduling
public class OrdersApplication {
  /**
   * Starts the service.
   *
   * @param args Spring Boot's arguments, e.g. {@code --server.port=8081} or {@code
   *     --backplane.citus.router.strict=true}
   */
  public static void main(String[] args) {
    SpringApplication.run(OrdersApplication.class, args);
  }
}
