-- Each register queue's settings layers as its queue.settings events left
-- them (field → value; a change's null unsets the field). The queue page
-- reads the display switches from them (docs/central.md "The customer's
-- queue page"): the manager's switches at the register reach the page.
CREATE TABLE queue_settings (
  register    bigint NOT NULL REFERENCES registers(id),
  queue_id    text NOT NULL,
  base        jsonb NOT NULL DEFAULT '{}'::jsonb,
  cashier     jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Register-side time of the newest queue.settings event applied.
  updated_at  bigint NOT NULL,
  PRIMARY KEY (register, queue_id)
);
