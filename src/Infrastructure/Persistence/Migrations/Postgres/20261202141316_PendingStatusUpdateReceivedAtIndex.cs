using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CleanAgent.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PendingStatusUpdateReceivedAtIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_PendingStatusUpdates_ReceivedAt",
                table: "PendingStatusUpdates",
                column: "ReceivedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PendingStatusUpdates_ReceivedAt",
                table: "PendingStatusUpdates");
        }
    }
}
