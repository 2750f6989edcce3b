using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CleanAgent.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HumanHandoff : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "IdempotencyKey",
                table: "Messages",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Template",
                table: "Messages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastOperatorActivityAt",
                table: "Conversations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Mode",
                table: "Conversations",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Agent");

            migrationBuilder.AddColumn<DateTime>(
                name: "ModeChangedAt",
                table: "Conversations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ModeChangedBy",
                table: "Conversations",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ModeReason",
                table: "Conversations",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "WaitingForHuman",
                table: "Conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "HandoffMessage",
                table: "Agents",
                type: "TEXT",
                maxLength: 4096,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HandoffPhrases",
                table: "Agents",
                type: "TEXT",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_WhatsAppNumberId_IdempotencyKey",
                table: "Messages",
                columns: new[] { "WhatsAppNumberId", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_Mode_WaitingForHuman",
                table: "Conversations",
                columns: new[] { "Mode", "WaitingForHuman" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Messages_WhatsAppNumberId_IdempotencyKey",
                table: "Messages");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_Mode_WaitingForHuman",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "Template",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "LastOperatorActivityAt",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "Mode",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "ModeChangedAt",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "ModeChangedBy",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "ModeReason",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "WaitingForHuman",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "HandoffMessage",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "HandoffPhrases",
                table: "Agents");
        }
    }
}
