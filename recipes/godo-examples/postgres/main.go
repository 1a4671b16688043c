// Creates a PostgreSQL cluster, waits until it is online, then adds a user and a database.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/digitalocean/godo"
)

func main() {
	client := godo.NewFromToken(os.Getenv("DIGITALOCEAN_TOKEN"))
	if url := os.Getenv("DIGITALOCEAN_API_URL"); url != "" {
		if err := godo.SetBaseURL(url)(client); err != nil {
			log.Fatal(err)
		}
	}
	ctx := context.Background()

	db, _, err := client.Databases.Create(ctx, &godo.DatabaseCreateRequest{
		Name:       "oxido-example",
		EngineSlug: "pg",
		Version:    "16",
		Region:     "nyc3",
		SizeSlug:   "db-s-1vcpu-1gb",
		NumNodes:   1,
		Tags:       []string{"oxido-example"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for db.Status != "online" {
		time.Sleep(time.Second)
		db, _, err = client.Databases.Get(ctx, db.ID)
		if err != nil {
			log.Fatal(err)
		}
	}
	user, _, err := client.Databases.CreateUser(ctx, db.ID, &godo.DatabaseCreateUserRequest{Name: "app"})
	if err != nil {
		log.Fatal(err)
	}
	appDB, _, err := client.Databases.CreateDB(ctx, db.ID, &godo.DatabaseCreateDBRequest{Name: "app"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("database cluster %s is online with user %s and db %s\n", db.ID, user.Name, appDB.Name)
}
