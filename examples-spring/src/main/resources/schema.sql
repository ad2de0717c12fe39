-- The orders service's schema, on the Citus coordinator of its project database.
CREATE TABLE IF NOT EXISTS companies (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
  company_id bigint NOT NULL,
  id bigserial,
  amount_cents bigint NOT NULL,
  status text NOT NULL,
  PRIMARY KEY (company_id, id)
);
CREATE TABLE IF NOT EXISTS order_stats (taken_at timestamptz NOT NULL, term bigint NOT NULL, open_orders bigint NOT NULL);
SELECT create_distributed_table('companies', 'id');
SELECT create_distributed_table('orders', 'company_id', colocate_with := 'companies');
