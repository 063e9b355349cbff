-- One row per show (natural key show_id) from the events stream, newest state wins: _ver = the later of the
-- event's and the show's updated_at. Seat schemes are not kept (the fetcher drops them). Small table: no partitions.
CREATE TABLE IF NOT EXISTS {{database}}.stg_qtickets_api_shows {{on_cluster}}
(
    show_id           UInt64,
    event_id          UInt64,
    event_name        String,
    event_is_active   UInt8,
    event_deleted_at  Nullable(DateTime64(3, 'UTC')),
    place_name        String,
    city_name         String,
    city_timezone     String,
    show_name         String,
    show_is_active    UInt8,
    start_at          DateTime64(3, 'UTC'),
    finish_at         Nullable(DateTime64(3, 'UTC')),
    open_at           Nullable(DateTime64(3, 'UTC')),
    sale_start_at     Nullable(DateTime64(3, 'UTC')),
    sale_finish_at    Nullable(DateTime64(3, 'UTC')),
    show_date_msk     Date,
    show_date_local   Date,
    created_at        DateTime64(3, 'UTC'),
    updated_at        DateTime64(3, 'UTC'),
    deleted_at        Nullable(DateTime64(3, 'UTC')),
    _ver              DateTime64(3, 'UTC'),
    _loaded_at        DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {{engine ReplacingMergeTree(_ver)}}
ORDER BY show_id
SETTINGS non_replicated_deduplication_window = 1000;
