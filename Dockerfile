# Baton server image. Build: docker build -t baton .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Baton.Api -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# Not root; the embedded SQLite file (when used) lives in /data.
RUN mkdir /data && chown app /data
USER app
ENV Urls=http://0.0.0.0:8080 \
    Baton__Sqlite__Path=/data/baton.db
EXPOSE 8080
ENTRYPOINT ["dotnet", "Baton.Api.dll"]
