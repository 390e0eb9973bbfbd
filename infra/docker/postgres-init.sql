-- Runs once, on an empty data volume (the image makes relay_gateway from POSTGRES_DB).
create database relay_convert owner relay;
create database relay_chat owner relay;
