# Baton server image: the API (Baton.Api.dll in /app/api, the default) and the silo host
# (Baton.Silo.dll in /app/silo). Build: docker build -t baton .
#   docker run -p 8080:8080 -v batondata:/data baton    the embedded default: one process, SQLite in /data
#   docker-compose.yml                                  the Redis cluster: the silos run /app/silo
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
COPY . .
# ReadyToRun: precompiled code, so a new node is ready sooner and serves its first seconds at
# speed instead of while the JIT catches up (docs/PERFORMANCE.md, "ReadyToRun").
RUN dotnet publish src/Baton.Api -c Release -a $TARGETARCH --self-contained false -p:PublishReadyToRun=true -o /app/api \
 && dotnet publish src/Baton.Silo -c Release -a $TARGETARCH --self-contained false -p:PublishReadyToRun=true -o /app/silo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
COPY --from=build /app /app
# Not root; the embedded SQLite file (when used) lives in /data.
RUN mkdir /data && chown app /data
USER app
WORKDIR /app/api
ENV Urls=http://0.0.0.0:8080 \
    Baton__Sqlite__Path=/data/baton.db
EXPOSE 8080
ENTRYPOINT ["dotnet", "Baton.Api.dll"]
